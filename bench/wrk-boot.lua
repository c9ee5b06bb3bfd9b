-- wrk: GET /boot.ipxe for a random client of a BENCH_CLIENTS inventory
-- (MACs 02:00:00:XX:YY:ZZ numbered from 0, as bench/bootscript.sh imports
-- them), with the report line of wrk-report.lua.
dofile(os.getenv("BENCH_DIR") .. "/wrk-report.lua")

local n = tonumber(os.getenv("BENCH_CLIENTS") or "10000")

setup = function(thread)
	thread:set("seed", math.random(1, 1000000))
end

init = function(args)
	math.randomseed(seed or os.time())
end

request = function()
	local i = math.random(0, n - 1)
	return wrk.format("GET", string.format("/boot.ipxe?mac=02:00:00:%02x:%02x:%02x" ..
		"&uuid=&arch=x86_64&platform=pcbios", math.floor(i / 65536),
		math.floor(i / 256) % 256, i % 256))
end
