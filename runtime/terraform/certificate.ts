/**
 * The one-time certificate of go-plugin's AutoMTLS: a self-signed ECDSA P-256 certificate for `localhost`,
 * usable for server and client authentication, made with node:crypto in about a millisecond (RSA through a
 * JavaScript library would cost a few hundred milliseconds on each of the several starts per Terraform command).
 */
import { generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { bits, boolean, explicit, integer, octets, oid, sequence, set, time, tlv, utf8 } from './der';

/** A certificate and its private key. */
export interface CertificatePair {
  /** The certificate, PEM. */
  certPem: string;
  /** The certificate, DER: what the handshake line carries. */
  certDer: Buffer;
  /** The private key, PKCS#8 PEM. */
  keyPem: string;
}

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'));

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octets(value));
}

/** A self-signed certificate for `commonName`, valid from a minute ago for `days`, with SAN localhost and 127.0.0.1. */
export function selfSignedCertificate(commonName = 'localhost', days = 30): CertificatePair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = sequence(
    set(sequence(oid('2.5.4.3'), utf8(commonName))),
    set(sequence(oid('2.5.4.10'), utf8('albkit'))),
  );
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const extensions = sequence(
    // keyUsage: digitalSignature, keyEncipherment, keyCertSign
    extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x02, 0xa4]))),
    // extKeyUsage: serverAuth, clientAuth
    extension('2.5.29.37', false, sequence(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))),
    // basicConstraints: CA (go-plugin's certificates are their own trust anchor)
    extension('2.5.29.19', true, sequence(boolean(true))),
    // subjectAltName: DNS localhost, IP 127.0.0.1
    extension(
      '2.5.29.17',
      false,
      sequence(tlv(0x82, Buffer.from('localhost')), tlv(0x87, Buffer.from([127, 0, 0, 1]))),
    ),
  );
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(serial),
    ECDSA_WITH_SHA256,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const certDer = sequence(tbs, ECDSA_WITH_SHA256, bits(sign('sha256', tbs, privateKey)));
  const certPem = new X509Certificate(certDer).toString();
  return { certPem, certDer, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
