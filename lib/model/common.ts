/** Field schemas shared by several components. */
import { z } from 'zod';
import { isCidr, isIpv4 } from '../net';

/** A dotted-quad IPv4 address. */
export const Ipv4 = z.string().refine(isIpv4, { message: 'must be an IPv4 address such as 10.0.0.1' });

/** An IPv4 CIDR block. */
export const Cidr = z.string().refine(isCidr, { message: 'must be an IPv4 CIDR block such as 10.0.0.0/16' });

/** A TCP port, 1–65535. */
export const Port = z.number().int().min(1).max(65535);

/** A zone name, such as `cn-north-1a`. */
export const Zone = z.string().min(1).max(64);

/** A server weight: 0 (no new traffic) to 100. */
export const Weight = z.number().int().min(0).max(100);

/**
 * The id of another resource in the same manifest: its construct path, such as `web` or `web/http`.
 * Letters, digits, `-`, `_`, `.` and `/`.
 */
export const ResourceRef = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'must be a resource id: letters, digits, ".", "_", "-" and "/"');
