import { z } from 'zod';
import { Ipv4, Weight, Zone } from './common';

/** One instance of an availability group. */
export const Instance = z.strictObject({
  /** The instance's address; it serves on the backend service's port. */
  address: Ipv4,
  /** The zone the instance runs in. */
  zone: Zone,
});
export type Instance = z.output<typeof Instance>;

/** An availability group: a scalable group of instances across zones, all with one weight. */
export const AvailabilityGroupSpec = z
  .strictObject({
    /** The instances. Their count must lie within `minSize`–`maxSize`. @default [] */
    instances: z.array(Instance).max(1000).default([]),
    /** The weight every instance gets, 0 (no new traffic) to 100. @default 10 */
    weight: Weight.default(10),
    /** The fewest instances the group may have. @default 0 */
    minSize: z.number().int().min(0).max(1000).default(0),
    /** The most instances the group may have. @default 10 */
    maxSize: z.number().int().min(1).max(1000).default(10),
  })
  .superRefine((group, ctx) => {
    if (group.minSize > group.maxSize) {
      ctx.addIssue({ code: 'custom', path: ['maxSize'], message: `must be at least minSize (${group.minSize})` });
    }
  });
/** A AvailabilityGroup spec as validated: every default applied. */
export type AvailabilityGroupSpec = z.output<typeof AvailabilityGroupSpec>;
/** A AvailabilityGroup spec as users write it: fields with defaults may be left out. */
export type AvailabilityGroupInput = z.input<typeof AvailabilityGroupSpec>;
