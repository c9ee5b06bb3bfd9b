# fixd/: not yet built.
