# server/: not yet built.
