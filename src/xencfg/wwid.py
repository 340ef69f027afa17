"""The WWID an initiator's ``scsi_id`` (and so multipath) reads for an iSCSI LUN.

One place for what the storage chain (cluster.py), the LIO rule (IS021) and the
IET -> LIO migration each need: the WWID is how a LUN exported on the target boxes is
found again in the dom0s' multipath.conf.
"""

from __future__ import annotations

#: IET's T10 vendor id as scsi_id prints it: "IET" padded to 8 bytes, in hex.
IET_VENDOR_HEX = b"IET".ljust(8, b"\0").hex()


def iet_wwid(scsi_id: str) -> str:
    """The WWID an initiator's scsi_id reads for an IET LUN with ``ScsiId=scsi_id``:
    ``1`` (T10 vendor id), then ``IET`` and the id's 16 bytes in hex."""
    raw = scsi_id.encode("utf-8", "surrogateescape")[:16].ljust(16, b"\0")
    return "1" + IET_VENDOR_HEX + raw.hex()


def lio_wwid(serial: str) -> str:
    """The WWID an initiator reads for an LIO LUN whose unit serial is ``serial``:
    ``3`` (NAA designator) + ``6001405`` (NAA 6, LIO's OUI 00:14:05) + the serial's
    first 25 hex digits, other characters skipped, zero-padded (the kernel's
    target_core_spc.c ``spc_parse_naa_6h_vendor_specific``: 13 bytes from
    ``unit_serial``, ``hex_to_bin`` skipping what is no hex digit)."""
    digits = "".join(ch for ch in serial.lower() if ch in "0123456789abcdef")[:25]
    return "36001405" + digits.ljust(25, "0")
