# server/fixctl.mk: not yet built.
