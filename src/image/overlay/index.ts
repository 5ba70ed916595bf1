export {
  FLEET_SCHEMA_FILE,
  type Fleet,
  type FleetNode,
  fleetJsonSchema,
  fleetSchema,
} from './fleet-schema.js';
export { type FleetNodeResult, type FleetOptions, overlayFleet } from './overlay-fleet.js';
export {
  type OverlayOptions,
  type OverlayResult,
  overlayImage,
  overlayOnBase,
} from './overlay-image.js';
export { readFleet } from './read-fleet.js';
export { segmentBytes, segmentPadding } from './segment-bytes.js';
export { type NodeInputs, type SegmentEntries, segmentEntries } from './segment-entries.js';
export { verifiedBase } from './verified-base.js';
export { writeNodeImage } from './write-node-image.js';
