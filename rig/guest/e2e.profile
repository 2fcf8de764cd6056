# Profiles for the end-to-end D-Bus tests and the demo.
abi <abi/3.0>,

# A client that may talk to the bus driver (any interface, so that
# BecomeMonitor reaches the eavesdrop check), call Demo.Allowed on the demo
# service and own one name. It has no eavesdrop rule.
profile e2e_client {
  file,
  network,
  signal,
  dbus send bus=session path=/org/freedesktop/DBus
       peer=(name=org.freedesktop.DBus),
  dbus receive bus=session peer=(label=unconfined),
  dbus send bus=session path=/org/example/Demo interface=org.example.Demo
       member=Allowed peer=(name=org.example.Demo*),
  dbus bind bus=session name=org.example.Client.Allowed,
  # Send rules see the destination as addressed: the second demo service
  # also owns org.example.Demo2.Extra1, which this rule does not name.
  dbus send bus=session path=/org/example/Demo interface=org.example.Demo
       member=Exact peer=(name=org.example.Demo2),
  # The activatable service, started by the bus on the first call.
  dbus send bus=session path=/org/example/Demo interface=org.example.Demo
       member={FromClient,Quit} peer=(name=org.example.Activated),
}

# A client that may send anything ("dbus send,") and owns a name.
profile e2e_sender {
  file,
  network,
  signal,
  dbus send,
  dbus receive,
  dbus bind bus=session name=org.example.Sender,
}

# The demo service: owns org.example.Demo (and, in the benchmark, names
# org.example.Demo.Extra*) and may receive Allowed and Quit, nothing else.
profile e2e_service {
  file,
  network,
  signal,
  dbus send bus=session,
  dbus receive bus=session member={Hello,NameAcquired} peer=(label=unconfined),
  dbus bind bus=session name=org.example.Demo*,
  dbus bind bus=session name=org.example.Activated,
  dbus receive bus=session path=/org/example/Demo interface=org.example.Demo
       member={Allowed,Quit},
  # Object paths have no length limit in D-Bus: long ones must be decided.
  dbus receive bus=session path=/org/example/Long/** interface=org.example.Demo
       member=Allowed,
  # Receive rules see the sender's name (its unique name when it owns
  # none), as dbus-daemon asks; never the service's own name.
  dbus receive bus=session path=/org/example/Demo interface=org.example.Demo
       member=FromUnique peer=(name=:1.*),
  dbus receive bus=session path=/org/example/Demo interface=org.example.Demo
       member=FromOwnName peer=(name=org.example.Demo),
  dbus receive bus=session path=/org/example/Demo interface=org.example.Demo
       member=Exact,
  # The activated instance's first call must come from the real client.
  dbus receive bus=session path=/org/example/Demo interface=org.example.Demo
       member=FromClient peer=(name=:1.* label=e2e_client),
  # A call without an interface is valid D-Bus; a rule naming none takes it.
  dbus receive bus=session path=/org/example/Demo member=NoInterface,
}

# Owns the demo service's name and takes calls from the bus and unconfined
# processes only: a confined client's call to the name is refused here.
profile e2e_deaf {
  file,
  network,
  signal,
  dbus send bus=session,
  dbus receive bus=session peer=(label=unconfined),
  dbus bind bus=session name=org.example.Demo,
}

# Complain mode: nothing is allowed by rule, everything is let through.
profile e2e_complain flags=(complain) {
  file,
  network,
  signal,
}

# The bus itself, for the fallback run of the patched daemon: everything
# but the kernel's .dbus query file, so it has to use .access instead.
profile e2e_bus {
  file,
  network,
  signal,
  capability,
  dbus,
  # dbus-daemon starts activatable services itself.
  change_profile -> e2e_service,
  deny /sys/kernel/security/apparmor/.dbus rw,
}

# The bus again, for the patched daemons' run without the policy status
# page: the kernel's D-Bus query, but no page to tell that policy held.
profile e2e_bus_nostatus {
  file,
  network,
  signal,
  capability,
  dbus,
  change_profile -> e2e_service,
  deny /sys/kernel/security/apparmor/.status rw,
}
