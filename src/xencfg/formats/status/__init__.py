"""Live-state formats: the output of the commands that show a node's running state
(``multipath -ll``, ``/proc/drbd``, ``drbdadm status``, ``crm_mon --as-xml``, ``cibadmin -Q``,
``xl list``, ``ip addr``, ``iscsiadm -m session -P 3``, ``uname``, IET's
``/proc/net/iet/volume`` and ``session``, ``cman_tool nodes``, ``booth list``).

Read-only and lenient (see :mod:`._status`): what the drift rules (``rules/live/``)
compare with the configuration files. One module per command, registered in
:mod:`xencfg.formats` like every format.
"""
