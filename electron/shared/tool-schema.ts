/**
 * A client's JSON schema (a tool's parameters, a `json_schema` answer format) turned into the subset
 * node-llama-cpp builds grammars from: types, properties, required, additionalProperties, items,
 * prefixItems, enum, const, oneOf/anyOf, string length and date formats, item and property counts,
 * with `$ref`s to `$defs`/`definitions` written out in place. Annotations (title, default,
 * examples, …) and checks a grammar cannot hold (pattern, minimum, …) are dropped: the output still
 * parses. A schema that is not one, refers to itself or grows too large is refused with the reason.
 */

export class SchemaProblem extends Error {}

/** Nesting and size past which a grammar gets slow to build or to run: refused. */
const MAX_DEPTH = 24;
const MAX_NODES = 2_000;
const MAX_COUNT = 1_000;
const BASIC_TYPES = ["string", "number", "integer", "boolean", "null"] as const;
const ALL_TYPES = [...BASIC_TYPES, "object", "array"] as const;
const FORMATS = ["date-time", "time", "date"];

type Json = Record<string, unknown>;
type Schema = Record<string, unknown>;

/** Any JSON value: what `{}` and `true` allow. */
const ANY_VALUE: Schema = {
  oneOf: [{ type: [...BASIC_TYPES] }, { type: "array" }, { type: "object", additionalProperties: true }],
};

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Converter {
  private nodes = 0;
  constructor(
    private readonly defs: Json,
    private readonly label: string,
  ) {}

  convert(node: unknown, where: string, depth: number, refs: string[]): Schema {
    if (++this.nodes > MAX_NODES) throw this.problem(where, `is larger than ${MAX_NODES} schema nodes`);
    if (depth > MAX_DEPTH) throw this.problem(where, `nests deeper than ${MAX_DEPTH} levels`);
    if (node === true) return ANY_VALUE;
    if (!isObject(node)) throw this.problem(where, "is not a JSON schema object");
    const out: Schema = {};
    if (typeof node.description === "string") out.description = node.description.slice(0, 2_000);
    if (typeof node.$ref === "string") return { ...this.resolve(node.$ref, where, depth, refs), ...out };
    if ("const" in node) return { ...out, const: this.primitive(node.const, `${where}.const`) };
    if ("enum" in node) {
      if (!Array.isArray(node.enum) || node.enum.length === 0 || node.enum.length > MAX_COUNT)
        throw this.problem(`${where}.enum`, `must list 1 to ${MAX_COUNT} values`);
      return { ...out, enum: node.enum.map((value, i) => this.primitive(value, `${where}.enum[${i}]`)) };
    }
    const choices = node.oneOf ?? node.anyOf;
    if (choices !== undefined) {
      if (!Array.isArray(choices) || choices.length === 0) throw this.problem(where, "has an empty or malformed oneOf/anyOf");
      return { ...out, oneOf: choices.map((c, i) => this.convert(c, `${where}.oneOf[${i}]`, depth + 1, refs)) };
    }
    if (Array.isArray(node.allOf)) {
      if (node.allOf.length !== 1) throw this.problem(`${where}.allOf`, "combines schemas, which is not supported; use one schema");
      return { ...this.convert(node.allOf[0], `${where}.allOf[0]`, depth + 1, refs), ...out };
    }
    const types = this.types(node, where);
    if (types.length === 0) return { ...ANY_VALUE, ...out };
    if (types.length > 1 && types.some((t) => t === "object" || t === "array"))
      return { ...out, oneOf: types.map((type) => this.typed({ ...node, type }, type, where, depth, refs)) };
    if (types.length > 1) return { ...out, type: types };
    return { ...out, ...this.typed(node, types[0]!, where, depth, refs) };
  }

  private typed(node: Json, type: string, where: string, depth: number, refs: string[]): Schema {
    if (type === "object") return this.object(node, where, depth, refs);
    if (type === "array") return this.array(node, where, depth, refs);
    if (type !== "string") return { type };
    const out: Schema = { type };
    if (typeof node.format === "string" && FORMATS.includes(node.format)) return { ...out, format: node.format };
    if (node.minLength !== undefined) out.minLength = this.count(node.minLength, `${where}.minLength`);
    if (node.maxLength !== undefined) out.maxLength = this.count(node.maxLength, `${where}.maxLength`);
    return out;
  }

  private object(node: Json, where: string, depth: number, refs: string[]): Schema {
    const out: Schema = { type: "object" };
    if (node.properties !== undefined) {
      if (!isObject(node.properties)) throw this.problem(`${where}.properties`, "is not an object");
      const properties: Schema = {};
      for (const [key, value] of Object.entries(node.properties)) properties[key] = this.convert(value, `${where}.properties.${key}`, depth + 1, refs);
      out.properties = properties;
      if (node.required !== undefined) {
        if (!Array.isArray(node.required) || !node.required.every((k) => typeof k === "string"))
          throw this.problem(`${where}.required`, "is not a list of property names");
        out.required = node.required.filter((key) => key in properties);
      }
    }
    const extra = node.additionalProperties;
    if (typeof extra === "boolean") out.additionalProperties = extra;
    else if (isObject(extra)) out.additionalProperties = this.convert(extra, `${where}.additionalProperties`, depth + 1, refs);
    else if (node.properties === undefined) out.additionalProperties = true;
    if (node.minProperties !== undefined) out.minProperties = this.count(node.minProperties, `${where}.minProperties`);
    if (node.maxProperties !== undefined) out.maxProperties = this.count(node.maxProperties, `${where}.maxProperties`);
    return out;
  }

  private array(node: Json, where: string, depth: number, refs: string[]): Schema {
    const out: Schema = { type: "array" };
    if (node.items !== undefined && node.items !== true) out.items = this.convert(node.items, `${where}.items`, depth + 1, refs);
    if (node.prefixItems !== undefined) {
      if (!Array.isArray(node.prefixItems)) throw this.problem(`${where}.prefixItems`, "is not a list");
      out.prefixItems = node.prefixItems.map((item, i) => this.convert(item, `${where}.prefixItems[${i}]`, depth + 1, refs));
    }
    if (node.minItems !== undefined) out.minItems = this.count(node.minItems, `${where}.minItems`);
    if (node.maxItems !== undefined) out.maxItems = this.count(node.maxItems, `${where}.maxItems`);
    return out;
  }

  private types(node: Json, where: string): string[] {
    if (node.type === undefined) {
      if (isObject(node.properties)) return ["object"];
      if (node.items !== undefined) return ["array"];
      return [];
    }
    const list: unknown[] = Array.isArray(node.type) ? node.type : [node.type];
    for (const type of list)
      if (typeof type !== "string" || !(ALL_TYPES as readonly string[]).includes(type))
        throw this.problem(`${where}.type`, `has an unknown type ${JSON.stringify(type)}`);
    return [...new Set(list as string[])];
  }

  private resolve(ref: string, where: string, depth: number, refs: string[]): Schema {
    const name = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(ref)?.[1];
    if (name === undefined || !(name in this.defs)) throw this.problem(where, `refers to ${JSON.stringify(ref)}, which is not among its $defs`);
    if (refs.includes(name)) throw this.problem(where, `refers to itself through ${JSON.stringify(ref)}; recursive schemas are not supported`);
    return this.convert(this.defs[name], `${where}(${ref})`, depth + 1, [...refs, name]);
  }

  private primitive(value: unknown, where: string): string | number | boolean | null {
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value as string | number | boolean | null;
    throw this.problem(where, "must be a string, number, boolean or null");
  }

  private count(value: unknown, where: string): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_COUNT)
      throw this.problem(where, `must be a whole number from 0 to ${MAX_COUNT}`);
    return value;
  }

  private problem(where: string, what: string): SchemaProblem {
    return new SchemaProblem(`${this.label}: ${where} ${what}.`);
  }
}

/**
 * The grammar-ready form of `schema`; throws SchemaProblem naming `label` and the place.
 * `objectOnly`: the top level must be an object (a tool's arguments).
 */
export function toGrammarSchema(schema: unknown, label: string, objectOnly = false): Schema {
  if (!isObject(schema)) throw new SchemaProblem(`${label} is not a JSON schema object.`);
  const defs = { ...(isObject(schema.definitions) ? schema.definitions : {}), ...(isObject(schema.$defs) ? schema.$defs : {}) };
  const converted = new Converter(defs, label).convert(schema, "schema", 0, []);
  if (objectOnly && converted.type !== "object") throw new SchemaProblem(`${label}: the arguments schema must be of type "object".`);
  return converted;
}
