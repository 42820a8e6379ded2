#!/usr/bin/env bats
# common.bats - what every mare command must do (git t0012, libarchive
# test_help.c): --help and -h, --version and -V, and an unknown option.
#
# bats 1.8 cannot generate tests at run time, so each command has its
# lines below and the first test fails when a built command has none:
# adding a command means adding it to COMMANDS and to the tests.

load helper

COMMANDS="mare mare-drift mare-featurize mare-fetch mare-predict mare-report mare-tensor mare-train mare-validate"

# --help: exit 0, usage on stdout starting "Usage:" and naming the command
# in its first two lines, nothing on stderr; -h gives the same output.
check_help() {
	local help

	run -0 --separate-stderr "$1" --help
	assert_equal "$stderr" ""
	[[ $output == Usage:* ]] ||
	    fail "$1 --help does not start with 'Usage:': ${output:0:60}"
	[[ "${lines[0]} ${lines[1]:-}" == *"$1 "* ]] ||
	    fail "$1 --help does not name $1 in its synopsis"
	help=$output
	run -0 --separate-stderr "$1" -h
	assert_equal "$stderr" ""
	assert_equal "$output" "$help"
}

# --version: one line "NAME (mare) 0.1.0 libmare/0.1.0 ..."; -V the same.
check_version() {
	local version

	run -0 --separate-stderr "$1" --version
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 1
	assert_equal "${output%% *}" "$1"
	assert_output --regexp "^$1 \(mare\) 0\.1\.0 libmare/0\.1\.0 "
	version=$output
	run -0 --separate-stderr "$1" -V
	assert_equal "$output" "$version"
}

# An unknown option: exit 64, nothing on stdout, two lines on stderr.
check_bad_option() {
	run -64 --separate-stderr "$1" --no-such-option
	assert_equal "$output" ""
	assert_equal "$stderr" "$1: unrecognized option '--no-such-option'
Try '$1 --help' for more information."
}

@test "common: every built command is tested here" {
	local f name

	for f in "$MARE_BUILDDIR"/mare-*; do
		name=${f##*/}
		[[ -f $f && -x $f && $name =~ ^mare-[a-z0-9-]+$ ]] || continue
		[[ " $COMMANDS " == *" $name "* ]] ||
		    fail "$name is built but not in common.bats COMMANDS"
	done
}

# The commands link libmare statically with --as-needed: each loads, and
# so names in --version, the libraries it calls and no others (a command
# that names one it does not call pays for loading it at every start).
@test "common: --version names the libraries the command loads, only those" {
	run -0 mare-fetch --version
	assert_output --regexp ' libcurl/[0-9]'
	assert_output --regexp ' libarchive/[0-9]'
	refute_output --partial 'OpenBLAS'
	run -0 mare-train --version
	assert_output --regexp ' OpenBLAS/[0-9]'
	refute_output --partial 'libcurl'
	refute_output --partial 'libarchive'
	run -0 mare-tensor --version
	assert_output --regexp ' jansson/[0-9]'
	refute_output --partial 'libcurl'
	refute_output --partial 'libarchive'
	refute_output --partial 'OpenBLAS'
}

@test "mare: --help and -h print the usage on stdout" {
	check_help mare
}

@test "mare: --version and -V name the command and versions" {
	check_version mare
}

@test "mare: an unknown option exits 64 and says try --help" {
	check_bad_option mare
}

@test "mare-featurize: --help and -h print the usage on stdout" {
	check_help mare-featurize
}

@test "mare-featurize: --version and -V name the command and versions" {
	check_version mare-featurize
}

@test "mare-featurize: an unknown option exits 64 and says try --help" {
	check_bad_option mare-featurize
}

@test "mare-fetch: --help and -h print the usage on stdout" {
	check_help mare-fetch
}

@test "mare-fetch: --version and -V name the command and versions" {
	check_version mare-fetch
}

@test "mare-fetch: an unknown option exits 64 and says try --help" {
	check_bad_option mare-fetch
}

@test "mare-drift: --help and -h print the usage on stdout" {
	check_help mare-drift
}

@test "mare-drift: --version and -V name the command and versions" {
	check_version mare-drift
}

@test "mare-drift: an unknown option exits 64 and says try --help" {
	check_bad_option mare-drift
}

@test "mare-predict: --help and -h print the usage on stdout" {
	check_help mare-predict
}

@test "mare-predict: --version and -V name the command and versions" {
	check_version mare-predict
}

@test "mare-predict: an unknown option exits 64 and says try --help" {
	check_bad_option mare-predict
}

@test "mare-report: --help and -h print the usage on stdout" {
	check_help mare-report
}

@test "mare-report: --version and -V name the command and versions" {
	check_version mare-report
}

@test "mare-report: an unknown option exits 64 and says try --help" {
	check_bad_option mare-report
}

@test "mare-tensor: --help and -h print the usage on stdout" {
	check_help mare-tensor
}

@test "mare-tensor: --version and -V name the command and versions" {
	check_version mare-tensor
}

@test "mare-tensor: an unknown option exits 64 and says try --help" {
	check_bad_option mare-tensor
}

@test "mare-train: --help and -h print the usage on stdout" {
	check_help mare-train
}

@test "mare-train: --version and -V name the command and versions" {
	check_version mare-train
}

@test "mare-train: an unknown option exits 64 and says try --help" {
	check_bad_option mare-train
}

@test "mare-validate: --help and -h print the usage on stdout" {
	check_help mare-validate
}

@test "mare-validate: --version and -V name the command and versions" {
	check_version mare-validate
}

@test "mare-validate: an unknown option exits 64 and says try --help" {
	check_bad_option mare-validate
}
