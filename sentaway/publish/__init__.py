"""Publishing: the build, a reviewer's run, site post-processing, dist and releases. No chapter imports these."""
