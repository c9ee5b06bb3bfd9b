# bench/: not yet built.
