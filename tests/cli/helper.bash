# helper.bash - loaded by every command test
#
# Commands come from the build tree ($MARE_BUILDDIR), never from PATH, so
# VPATH builds and make distcheck test what was just built. With
# MARE_VALGRIND set (make check-valgrind), every mare command runs under it.

bats_require_minimum_version 1.5.0

: "${MARE_BUILDDIR:?run the tests through make check}"
: "${MARE_SRCDIR:?run the tests through make check}"
DATA="$MARE_SRCDIR/tests/data"
export LC_ALL=C TZ=UTC

if [ -d /usr/lib/bats/bats-support ]; then
	load /usr/lib/bats/bats-support/load
	load /usr/lib/bats/bats-assert/load
fi

# Wrap each built command in a function so valgrind can be inserted, and
# let the mare dispatcher find its commands in the build tree.
export MARE_EXEC_PATH="$MARE_BUILDDIR"
_mare_wrap() {
	eval "$(printf '%s() { ${MARE_VALGRIND:-} %q "$@"; }' "$1" "$MARE_BUILDDIR/$1")"
}
for _c in "$MARE_BUILDDIR"/mare "$MARE_BUILDDIR"/mare-*; do
	_c=${_c##*/}
	[[ $_c =~ ^mare(-[a-z0-9-]+)?$ && -x $MARE_BUILDDIR/$_c ]] || continue
	_mare_wrap "$_c"
done
unset _c

# golden FILE CASE: compare FILE with tests/data/expected/CASE, show a diff.
golden() {
	diff -u "$DATA/expected/$2" "$1"
}
