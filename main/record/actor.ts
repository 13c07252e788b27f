/** Who does something in the record, and from where: stamped on every write and every audit entry. */
export interface Actor {
  /** A reference, e.g. `Practitioner/7c1e…`; the CLI uses `Device/<workstation>` for itself. */
  reference: string;
  display: string;
}

export interface Workstation {
  /** The installation's stable id (main/config/installation-id.ts). */
  id: string;
  /** The facility's code, when enrolled or in the demonstration. */
  facilityId: string | null;
}
