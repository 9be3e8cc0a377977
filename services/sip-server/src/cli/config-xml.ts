import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PBX_ERR_SIP_CONFIG_FILE } from './cli-errors.js';

/** A parsed XML element: attributes under `@_name`, text under `#text`, children by tag name. */
export type XmlNode = { [key: string]: unknown };

/** Element paths whose children are always arrays, even when written once. */
const ARRAY_PATHS = new Set([
  'drachtio.sip.contacts.contact',
  'drachtio.sip.spammers.header',
  'drachtio.sip.spammers.header.value',
  'drachtio.sip.user-agent-options-auto-respond',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  // Keep every value a string: a secret like "0123" must not become 123.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (_name, jpath) => ARRAY_PATHS.has(String(jpath)),
});

/** Parses and checks well-formedness; `where` names the file in errors. Returns the `<drachtio>` element. */
export function parseConfigXml(text: string, where: string): XmlNode {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new PBX_ERR_SIP_CONFIG_FILE(where, `line ${valid.err.line}: ${valid.err.msg}`);
  }
  const doc = parser.parse(text) as XmlNode;
  const root = doc.drachtio;
  if (root === undefined) throw new PBX_ERR_SIP_CONFIG_FILE(where, 'root element <drachtio> not found');
  return typeof root === 'object' && root !== null ? (root as XmlNode) : {};
}

/** The element's text content ('' for an empty element). */
export function textOf(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node.trim();
  if (typeof node === 'object') {
    const t = (node as XmlNode)['#text'];
    return typeof t === 'string' ? t.trim() : t === undefined ? '' : String(t);
  }
  return String(node);
}

/** An attribute's value, or `undefined`. */
export function attrOf(node: unknown, name: string): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  const v = (node as XmlNode)[`@_${name}`];
  return v === undefined ? undefined : String(v);
}

/** A child element, or `undefined`. */
export function childOf(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  return (node as XmlNode)[name];
}

/** Child element names (attributes and text excluded). */
export function childNames(node: unknown): string[] {
  if (typeof node !== 'object' || node === null) return [];
  return Object.keys(node).filter((k) => !k.startsWith('@_') && k !== '#text');
}

/** A child that may repeat, as an array. */
export function childrenOf(node: unknown, name: string): unknown[] {
  const c = childOf(node, name);
  if (c === undefined) return [];
  return Array.isArray(c) ? c : [c];
}
