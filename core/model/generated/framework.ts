/* Generated from schemas/framework.schema.json by `npm run schemas`. Do not edit by hand. */

/**
 * Version of the writ YAML format this file is written in. writ/v1 is the first and current format.
 */
export type ApiVersion = 'writ/v1';
/**
 * Short human-readable name.
 */
export type Name = string;
/**
 * What this is for and why, in a sentence or a paragraph.
 */
export type Description = string;

/**
 * A control catalog as data (the HIPAA Security Rule first). Runbooks and rules cite its controls as <framework id>:<control id>. One file per framework in frameworks/, named <id>.yaml.
 */
export interface Framework {
  apiVersion: ApiVersion;
  /**
   * Always Framework for files in frameworks/.
   */
  kind: 'Framework';
  /**
   * Framework id, lower case; equal to the file name and used as the prefix of control references.
   */
  id: string;
  name: Name;
  description?: Description;
  /**
   * Where the control text comes from (citation, edition).
   */
  source?: string;
  /**
   * Standards and implementation specifications, parents before children.
   *
   * @minItems 1
   */
  controls: [Control, ...Control[]];
}
export interface Control {
  /**
   * Control id as the framework writes it.
   */
  id: string;
  title: string;
  description?: string;
  /**
   * Id of the standard this implementation specification belongs to.
   */
  parent?: string;
  /**
   * HIPAA safeguard family.
   */
  safeguard?: 'administrative' | 'physical' | 'technical' | 'organizational' | 'documentation';
  /**
   * HIPAA: whether the specification is required or addressable.
   */
  implementation?: 'required' | 'addressable' | 'standard';
}
