#!/usr/bin/env bats
# mare.bats - the mare dispatcher: finding, running and suggesting commands
#
# Each test builds its own folder of fake mare-* commands (shell scripts)
# and points MARE_EXEC_PATH at it, so the tests do not depend on which
# real commands are built yet.

load helper

setup() {
	BIN="$BATS_TEST_TMPDIR/bin"
	mkdir -p "$BIN"
	# mare-hello: one argument a line, in brackets; exits with $HELLO_EXIT
	cat >"$BIN/mare-hello" <<-'EOF'
	#!/bin/sh
	for a in "$@"; do printf '[%s]\n' "$a"; done
	exit "${HELLO_EXIT:-0}"
	EOF
	chmod +x "$BIN/mare-hello"
	export MARE_EXEC_PATH="$BIN"
	# Not the build tree: under valgrind, libtool --mode=execute would
	# turn an argument 'mare-tensor' into the path of the real binary.
	cd "$BATS_TEST_TMPDIR"
}

# fake NAME LINE: an executable mare-NAME in $BIN that prints LINE
fake() {
	printf '#!/bin/sh\necho "%s"\n' "$2" >"$BIN/mare-$1"
	chmod +x "$BIN/mare-$1"
}

@test "mare: 'mare hello a b' runs mare-hello with the arguments" {
	run -0 --separate-stderr mare hello a 'b c' ''
	assert_equal "$output" $'[a]\n[b c]\n[]'
	assert_equal "$stderr" ""
}

@test "mare: arguments after the command name belong to the command" {
	run -0 --separate-stderr mare hello --help -V -- x
	assert_equal "$output" $'[--help]\n[-V]\n[--]\n[x]'
}

@test "mare: the command's exit status is passed through" {
	HELLO_EXIT=3 run -3 --separate-stderr mare hello
	HELLO_EXIT=65 run -65 --separate-stderr mare hello
}

@test "mare: the command reads mare's standard input" {
	printf '#!/bin/sh\nexec cat\n' >"$BIN/mare-cat"
	chmod +x "$BIN/mare-cat"
	run -0 --separate-stderr mare cat < <(printf 'a\nb\n')
	assert_equal "$output" $'a\nb'
}

@test "mare: MARE_EXEC_PATH is searched before the build tree" {
	fake tensor "fake tensor"
	run -0 --separate-stderr mare tensor
	assert_equal "$output" "fake tensor"
}

@test "mare: without MARE_EXEC_PATH the folder of mare itself is searched" {
	unset MARE_EXEC_PATH
	# the real mare-tensor of the build tree answers
	run -0 --separate-stderr mare --exec-path
	assert_equal "$output" "$MARE_BUILDDIR"
	run -0 --separate-stderr mare tensor --version
	refute_output ""
}

@test "mare: --exec-path prints the folder searched first" {
	run -0 --separate-stderr mare --exec-path
	assert_equal "$output" "$BIN"
	assert_equal "$stderr" ""
}

@test "mare: --exec-path=DIR is searched first and passed on" {
	mkdir "$BATS_TEST_TMPDIR/other"
	printf '#!/bin/sh\necho "other $MARE_EXEC_PATH"\n' \
	    >"$BATS_TEST_TMPDIR/other/mare-hello"
	chmod +x "$BATS_TEST_TMPDIR/other/mare-hello"
	run -0 --separate-stderr mare --exec-path="$BATS_TEST_TMPDIR/other" hello
	assert_equal "$output" "other $BATS_TEST_TMPDIR/other"
	run -0 --separate-stderr mare --exec-path="$BATS_TEST_TMPDIR/other" \
	    --exec-path
	assert_equal "$output" "$BATS_TEST_TMPDIR/other"
}

@test "mare: an empty --exec-path= is a usage error" {
	run -64 --separate-stderr mare --exec-path= hello
	assert_equal "$output" ""
	assert_equal "$stderr" "mare: invalid --exec-path value ''
Try 'mare --help' for more information."
}

@test "mare: an unknown command exits 64 with one line" {
	run -64 --separate-stderr mare nosuch
	assert_equal "$output" ""
	assert_equal "$stderr" "mare: 'nosuch' is not a mare command. See 'mare help'."
}

@test "mare: a mistyped command suggests the closest one" {
	fake tensor x
	run -64 --separate-stderr mare tensr
	assert_equal "$output" ""
	assert_equal "$stderr" "mare: 'tensr' is not a mare command. See 'mare help'.

The most similar command is
	tensor"
}

@test "mare: two letters swapped count as one edit" {
	fake tensor x
	run -64 --separate-stderr mare tesnor
	assert_equal "$stderr" "mare: 'tesnor' is not a mare command. See 'mare help'.

The most similar command is
	tensor"
}

@test "mare: equally close commands are all suggested, sorted" {
	fake hallo x
	run -64 --separate-stderr mare hullo
	assert_equal "$stderr" "mare: 'hullo' is not a mare command. See 'mare help'.

The most similar commands are
	hallo
	hello"
}

@test "mare: no suggestion for a name three edits away" {
	fake tensor x
	run -64 --separate-stderr mare tenxyz
	assert_equal "$stderr" "mare: 'tenxyz' is not a mare command. See 'mare help'."
}

@test "mare: a name with a slash is refused, not run" {
	mkdir "$BIN/mare-"
	printf '#!/bin/sh\necho ran\n' >"$BIN/mare-/evil"
	chmod +x "$BIN/mare-/evil"
	run -64 --separate-stderr mare /evil
	assert_equal "$output" ""
	assert_equal "$stderr" "mare: invalid command name '/evil': expected letters a-z, digits and '-'
Try 'mare --help' for more information."
	run -64 --separate-stderr mare ../bin/mare-hello
	assert_equal "$output" ""
}

@test "mare: a name with upper case is refused" {
	run -64 --separate-stderr mare Hello
	assert_equal "$output" ""
	assert_equal "${stderr_lines[0]}" "mare: invalid command name 'Hello': expected letters a-z, digits and '-'"
}

@test "mare: a command that cannot be executed exits 70" {
	printf '#!/bin/sh\necho ran\n' >"$BIN/mare-noexec"
	chmod 644 "$BIN/mare-noexec"
	run -70 --separate-stderr mare noexec
	assert_equal "$output" ""
	assert_equal "$stderr" "mare: cannot run 'mare-noexec': Permission denied"
}

@test "mare: help lists the installed commands and the others found" {
	fake tensor x
	printf 'not executable\n' >"$BIN/mare-noexec"
	fake Bad x
	run -0 --separate-stderr mare help
	assert_equal "$stderr" ""
	assert_line --index 0 "Usage: mare <command> [<args>...]"
	assert_line --index 1 "The mare commands installed:"
	assert_line --index 2 "   drift        compare new data with a model's reference profile"
	assert_line --index 3 "   tensor       inspect and convert tensors (mare-tensor(5), .npy)"
	assert_line --index 4 "Other mare commands found:"
	assert_line --index 5 "   hello"
	refute_line --partial noexec
	refute_line --partial Bad
}

@test "mare: help NAME shows the manual page mare-NAME(1)" {
	printf '#!/bin/sh\necho "man $*"\n' >"$BIN/man"
	chmod +x "$BIN/man"
	PATH="$BIN:$PATH" run -0 --separate-stderr mare help tensor
	assert_equal "$output" "man 1 mare-tensor"
	PATH="$BIN:$PATH" run -0 --separate-stderr mare help mare-tensor
	assert_equal "$output" "man 1 mare-tensor"
	PATH="$BIN:$PATH" run -0 --separate-stderr mare help mare
	assert_equal "$output" "man 7 mare"
	PATH="$BIN:$PATH" run -0 --separate-stderr mare help --man
	assert_equal "$output" "man 7 mare"
}

@test "mare: help refuses a bad name and extra arguments" {
	run -64 --separate-stderr mare help ../x
	assert_equal "${stderr_lines[0]}" "mare: invalid command name '../x'"
	run -64 --separate-stderr mare help a b
	assert_equal "${stderr_lines[0]}" "mare: help: too many arguments"
}

@test "mare: --version names mare and the library versions" {
	run -0 --separate-stderr mare --version
	assert_output --regexp '^mare \(mare\) 0\.1\.0 libmare/0\.1\.0 jansson/'
}

@test "mare: no command prints the usage on stderr and exits 64" {
	run -64 --separate-stderr mare
	assert_equal "$output" ""
	[[ $stderr == "Usage: mare "* ]]
}

@test "mare: an unknown option of mare exits 64" {
	run -64 --separate-stderr mare --nosuch hello
	assert_equal "$output" ""
	assert_equal "$stderr" "mare: unrecognized option '--nosuch'
Try 'mare --help' for more information."
}

# bash completion, driven by hand as bash does on <TAB>
complete_mare() {
	COMP_LINE=$1
	COMP_POINT=${#1}
	read -ra COMP_WORDS <<<"$1"
	[[ $1 == *' ' ]] && COMP_WORDS+=('')
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_mare
}

@test "mare: bash completes options and the installed command names" {
	fake tensor x
	source "$MARE_SRCDIR/completions/bash/mare"
	complete_mare "$MARE_BUILDDIR/mare he"
	assert_equal "${COMPREPLY[*]}" "help hello"
	complete_mare "$MARE_BUILDDIR/mare --v"
	assert_equal "${COMPREPLY[*]}" "--version"
	complete_mare "$MARE_BUILDDIR/mare help t"
	assert_equal "${COMPREPLY[*]}" "tensor"
}

@test "mare: bash hands 'mare NAME ...' to mare-NAME's completion" {
	source "$MARE_SRCDIR/completions/bash/mare"
	_mare_hello() {
		COMPREPLY=("$1|$2|$3|${COMP_WORDS[*]}|$COMP_CWORD|$COMP_LINE|$COMP_POINT")
	}
	complete -F _mare_hello mare-hello
	complete_mare "mare hello -o out in"
	assert_equal "${COMPREPLY[*]}" "mare-hello|in|out|mare-hello -o out in|3|mare-hello -o out in|20"
}
