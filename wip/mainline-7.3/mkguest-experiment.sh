set -euo pipefail
TOP=/work/main; SRC=/tmp/l73/linux-source-7.3; OBJ=/tmp/o73; R=/tmp/groot73; B=/tmp/gb73
rm -rf $R $B; mkdir -p $R $B/selftests $B/samples
make -s -C $SRC O=$OBJ ARCH=x86_64 headers_install >/dev/null
make -s -C $SRC/tools/testing/selftests/apparmor OUTPUT=$B/selftests KHDR_INCLUDES="-isystem $OBJ/usr/include" >/dev/null
for s in $SRC/samples/apparmor/*.c; do gcc -O2 -Wall -isystem $OBJ/usr/include -o $B/samples/$(basename $s .c) $s; done
for t in dbus-svc dbus-ping; do gcc -O2 -Wall -o $B/$t $TOP/rig/guest/$t.c $(pkg-config --cflags --libs dbus-1); done
for t in audit-tail; do gcc -O2 -Wall -isystem $OBJ/usr/include -I $SRC/tools/testing/selftests/apparmor -o $B/$t $TOP/rig/guest/$t.c; done
tar -C $R -xf $TOP/build/guest-root-sid.tar
mkdir -p $R/rig $R/selftests/apparmor $R/samples/apparmor
cp $TOP/rig/guest/* $R/rig/; rm -f $R/rig/*.c
cp $B/dbus-svc $B/dbus-ping $B/audit-tail $R/rig/
python3 -c "import sys; p=sys.argv[1]; s=open(p).read().replace('abi <abi/3.0>,','abi <abi/5.0>,'); open(p,'w').write(s)" $R/rig/e2e.profile
find $B/selftests -maxdepth 1 -type f -perm -u+x -exec cp {} $R/selftests/apparmor/ \;
cp $B/samples/* $R/samples/apparmor/
python3 -c "import sys; s=open(sys.argv[1]).read(); s=s.replace('/bin/busybox --install -s /bin\n','/bin/busybox --install -s /usr/local/bin\n').replace('export PATH=/bin:/sbin:/usr/bin:/usr/sbin\n','export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/usr/local/bin\n').replace('reboot -f\n','busybox reboot -f\n'); open(sys.argv[2],'w').write(s)" $TOP/rig/guest/init $R/init
chmod +x $R/init
echo 0123456789abcdef0123456789abcdef > $R/etc/machine-id
(cd $R && find . | cpio -o -H newc --quiet | gzip -1) > $B/initramfs.cpio.gz
ls -la $B/initramfs.cpio.gz
