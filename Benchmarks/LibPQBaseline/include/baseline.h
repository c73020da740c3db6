/* The C baseline has no public headers; SwiftPM wants an include directory for C targets. */
