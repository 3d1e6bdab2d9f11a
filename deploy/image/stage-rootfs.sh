#!/usr/bin/env bash
# Stages the root file system of the tritonosgi image, without a base image or a container daemon:
#   /opt/java          a Java 17 runtime jlink'ed from the build's JDK (its jmods)
#   /lib*, /usr/lib*   the glibc, libstdc++, zlib ... files that runtime, ONNX Runtime, Netty and JNA link against,
#                      copied from the build machine (Debian) as ldd resolves them
#   /bin/sh            Debian's busybox-static (its shell runs its applets itself, which bin/karaf needs)
#   /opt/tritonosgi    the Karaf distribution, group 0 writable (any uid in group 0 may run it)
#   /etc/passwd|group  user tritonosgi (10001, group 0); /models and /tmp
# Usage: stage-rootfs.sh ASSEMBLY_TAR_GZ ROOTFS_DIR WORK_DIR
set -euo pipefail
assembly=$1 rootfs=$2 work=$3
fail() { echo "stage-rootfs: $*" >&2; exit 1; }

java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
[ -d "$java_home/jmods" ] || fail "no jmods in $java_home (JAVA_HOME): jlink needs them; on Debian: apt-get install openjdk-17-jdk-headless (and openjdk-17-jmods where it is a separate package)"
command -v ldd >/dev/null || fail "ldd is needed to find the runtime's libraries (Debian package libc-bin)"

rm -rf "$rootfs" "$work"
mkdir -p "$rootfs/opt" "$rootfs/bin" "$rootfs/etc" "$rootfs/models" "$rootfs/tmp" "$work"

# the Java runtime: the modules Karaf 4.4 and our bundles use
"$java_home/bin/jlink" --module-path "$java_home/jmods" --output "$rootfs/opt/java" \
    --add-modules java.se,jdk.unsupported,jdk.xml.dom,jdk.naming.rmi,jdk.naming.dns,jdk.security.auth,jdk.security.jgss,jdk.management,jdk.management.agent,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs,jdk.localedata,jdk.charsets,jdk.net,jdk.attach,jdk.jfr,jdk.httpserver \
    --strip-debug --no-header-files --no-man-pages --compress=2
# jlink links the legal notices; image layers get plain files
cp -rL "$rootfs/opt/java/legal" "$work/legal" && rm -rf "$rootfs/opt/java/legal" && mv "$work/legal" "$rootfs/opt/java/legal"

# the distribution
tar xzf "$assembly" -C "$work"
home=$(find "$work" -mindepth 1 -maxdepth 1 -type d | head -n 1)
mv "$home" "$rootfs/opt/tritonosgi"
mkdir -p "$rootfs/opt/tritonosgi/data/tmp" "$rootfs/opt/tritonosgi/instances"
chmod -R g+rwX,o-w "$rootfs/opt/tritonosgi"

# the shell
bb_dir="$work/busybox"
mkdir -p "$bb_dir"
if [ -n "${BUSYBOX_DEB:-}" ]; then
    cp "$BUSYBOX_DEB" "$bb_dir/busybox.deb"
else
    (cd "$bb_dir" && apt-get download busybox-static >/dev/null 2>&1) \
        || fail "apt-get download busybox-static failed (run apt-get update, or set BUSYBOX_DEB to the .deb)"
    mv "$bb_dir"/busybox-static_*.deb "$bb_dir/busybox.deb"
fi
dpkg-deb -x "$bb_dir/busybox.deb" "$bb_dir/x"
cp "$bb_dir/x/bin/busybox" "$rootfs/bin/sh"

# native libraries: the runtime's, and those inside the bundles (ONNX Runtime, Netty epoll, JNA)
natives="$work/natives"
mkdir -p "$natives"
for jar in $(find "$rootfs/opt/tritonosgi/system" -name '*.jar'); do
    unzip -q -o "$jar" '*linux-x64/*.so' '*x86_64*.so' '*linux-x86-64/*.so' -d "$natives/$(basename "$jar")" 2>/dev/null || true
done
# a headless server: the desktop's X11, sound and font libraries are not followed
libs=$(find "$rootfs/opt/java" "$natives" -name '*.so*' -type f \
    ! -name 'libawt_xawt.so' ! -name 'libsplashscreen.so' ! -name 'libjsound.so' ! -name 'libfontmanager.so' \
    ! -name 'liblcms.so' ! -name 'libjavajpeg.so' ! -name 'libjawt.so'; echo "$rootfs/opt/java/bin/java")
for file in $libs; do
    LD_LIBRARY_PATH="$rootfs/opt/java/lib:$rootfs/opt/java/lib/server" ldd "$file" 2>/dev/null \
        | awk '/=> \// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' || true
done | sort -u | while read -r lib; do
    case "$lib" in "$rootfs"*|"$natives"*) continue ;; esac
    real=$(readlink -f "$lib")
    mkdir -p "$rootfs$(dirname "$lib")"
    cp "$real" "$rootfs$lib"
done
[ -e "$rootfs/lib64/ld-linux-x86-64.so.2" ] || fail "the dynamic loader was not found by ldd"

printf 'root:x:0:0:root:/root:/bin/sh\ntritonosgi:x:10001:0:tritonosgi:/opt/tritonosgi:/bin/sh\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\n' > "$rootfs/etc/group"
echo "stage-rootfs: $(du -sh "$rootfs" | cut -f1) in $rootfs"
