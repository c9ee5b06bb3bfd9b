# fuzz/: not yet built.
.PHONY: check-fuzz-replay
check-fuzz-replay:
