# initramfs/: not yet built.
