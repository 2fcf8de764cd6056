# Profiles for the aa-logprof test (rig/guest/logprof.sh): no D-Bus rules,
# so every query about them is refused and logged, and aa-logprof adds the
# rules that allow them.
abi <abi/3.0>,

profile lp_client {
  file,
}

profile lp_service {
  file,
}
