#!/usr/bin/env bats
load helper
@test "placeholder" { true; }
