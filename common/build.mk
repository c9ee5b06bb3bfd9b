# common/: not yet built.
