-- wrk: print one machine-readable line at the end (read by bench/lib.sh).
done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("BENCH W_REQS=%d W_BYTES=%d W_SECS=%.6f " ..
		"W_ERRS=%d W_NON2XX=%d W_P50=%d W_P99=%d\n",
		summary.requests, summary.bytes, summary.duration / 1e6,
		e.connect + e.read + e.write + e.timeout, e.status,
		latency:percentile(50), latency:percentile(99)))
end
