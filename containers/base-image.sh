#!/usr/bin/env bash
# Builds a Java base image from this machine's JDK, offline: no image registry is needed.
# The image holds the JDK, the shared libraries it links against, and busybox (for a shell,
# `kill` and `cat` inside the container) when busybox-static is installed.
#
#   containers/base-image.sh [image]      (default: boot-cluster/jdk:17)
#
# The image is built again only when the JDK it would hold changed.
set -euo pipefail

image="${1:-boot-cluster/jdk:17}"
java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
jdk="$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 \
	| awk -F' = ' '/java.runtime.version/ { print $2 }')"

if [ "$(docker image inspect -f '{{ index .Config.Labels "boot-cluster.jdk" }}' "$image" 2>/dev/null)" = "$jdk" ]; then
	echo "$image is up to date (JDK $jdk)"
	exit 0
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT

mkdir -p "$root/opt/java" "$root/tmp" "$root/etc" "$root/bin"
chmod 1777 "$root/tmp"
# Symbolic links followed (Debian's JDK links into /etc), the sources left out.
tar -C "$java_home" --exclude=./lib/src.zip -chf - . | tar -C "$root/opt/java" -xf -

# The libraries the JDK's binaries link against, and the dynamic loader.
{
	find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} \; 2>/dev/null \
		| awk '/=>/ && $3 ~ /^\// { print $3 } /^\t\/.*ld-linux/ { print $1 }'
} | sort -u | while read -r library; do
	mkdir -p "$root$(dirname "$library")"
	cp -L "$library" "$root$library"
done
mkdir -p "$root/lib64"
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"

if [ -x /bin/busybox ]; then
	cp /bin/busybox "$root/bin/busybox"
	for applet in sh cat ls ps kill sleep grep wget env; do
		ln -s busybox "$root/bin/$applet"
	done
fi

cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
app:x:10001:10001:app:/home/app:/bin/sh
PASSWD
cat > "$root/etc/group" <<'GROUP'
root:x:0:
app:x:10001:
GROUP
mkdir -p "$root/root" "$root/home/app"
chown 10001:10001 "$root/home/app"

tar -C "$root" -c . | docker import \
	--change 'ENV JAVA_HOME=/opt/java' \
	--change 'ENV PATH=/opt/java/bin:/bin' \
	--change "LABEL boot-cluster.jdk=$jdk" \
	- "$image" >/dev/null
echo "Built $image (JDK $jdk, $(docker image inspect -f '{{ .Size }}' "$image" | awk '{ printf "%d MB", $1 / 1048576 }'))"
