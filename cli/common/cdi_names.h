/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The names of mptcpshim's CDI devices (`mptcpshim cdi` writes them, `env
 * --cdi` and `doctor` name them): a container asks for one with
 * `--device mptcpshim.org/mptcp=NAME`. What each device does, and why
 * (CDI replaces an image's variables rather than adding to them), is in
 * mptcpshim(1) and docs/containers.md.
 */
#ifndef MPTCPSHIM_CDI_NAMES_H
#define MPTCPSHIM_CDI_NAMES_H

#include "build_config.h"

/* CDI 0.5.0 is what podman 4.3.1 (Debian 12) accepts; later runtimes
 * accept it too. */
#define CDI_VERSION "0.5.0"
#define CDI_KIND "mptcpshim.org/mptcp"
/* glibc images: /etc/ld.so.preload is mounted, no variable is set. */
#define CDI_DEVICE_GLIBC "glibc"
/* glibc images with an /etc/ld.so.preload of their own: LD_PRELOAD. */
#define CDI_DEVICE_GLIBC_ENV "glibc-env"
/* musl images (no /etc/ld.so.preload in musl): LD_PRELOAD. */
#define CDI_DEVICE_MUSL "musl"
/* Go 1.21+ (no libc sockets): GODEBUG=multipathtcp=N. */
#define CDI_DEVICE_GO "go"
/* Set by every device: which one a container got (for `doctor`). */
#define CDI_ENV_DEVICE "MPTCPSHIM_CDI"
/* The default output: the system CDI directory every runtime reads. */
#define CDI_SYSTEM_DIR "/etc/cdi"
#define CDI_SPEC_NAME "mptcpshim.yaml"

#endif
