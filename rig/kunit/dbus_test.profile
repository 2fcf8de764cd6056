abi <abi/3.0>,
profile kunit_dbus {
  dbus send bus=session path=/org/example/Obj interface=org.example.Iface
       member={Hello,Ping} peer=(name=org.example.Svc label=kunit_peer),
  dbus receive bus=system path=/glob/{a,b}/c* peer=(label=kunit_peer),
  dbus bind bus=session name=org.example.Owned,
  dbus eavesdrop bus=system,
}
