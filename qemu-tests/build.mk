# qemu-tests/: not yet built.
