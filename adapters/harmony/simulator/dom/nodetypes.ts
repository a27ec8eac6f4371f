/**
 * The node types the simulator knows: their ports and built-in attributes. A subset of Harmony's modules,
 * enough for pipeline scripts (drawings, composites, write/display, pegs, groups, a few effects).
 */

export type AttrType = 'BOOL' | 'INT' | 'DOUBLE' | 'DOUBLEVB' | 'STRING' | 'ENUM' | 'ELEMENT';

export interface AttrDef {
  keyword: string;
  type: AttrType;
  /** Default value as getTextAttr returns it. */
  value: string;
  options?: string[];
  /** May be linked to a column (function column for numbers, drawing column for ELEMENT). */
  linkable: boolean;
}

export interface PortSpec {
  /** Ports a new node starts with. */
  inputs: number;
  outputs: number;
  /** Whether link(..., mayAddInputPort/mayAddOutputPort) can add ports. */
  dynamicInputs: boolean;
  dynamicOutputs: boolean;
}

export interface NodeTypeDef { ports: PortSpec; attrs: AttrDef[] }

/** Output formats of a WRITE node (DRAWING_TYPE). Rendering supports the PNG and TGA ones. */
export const WRITE_DRAWING_TYPES = [
  'TGA', 'TGA1', 'TGA3', 'TGA4', 'PNG', 'PNG4', 'PNGDP', 'PNGDP3', 'PNGDP4', 'SGI', 'SGI1', 'SGI3', 'SGI4',
  'SGIDP', 'SGIDP3', 'SGIDP4', 'OPT', 'OPT1', 'OPT3', 'OPT4', 'PSD', 'PSD1', 'PSD3', 'PSD4', 'PSDDP', 'PSDDP1',
  'PSDDP3', 'PSDDP4', 'TIF', 'JPG', 'BMP', 'BMP4', 'YUV', 'EXR', 'DPX',
];

const dbl = (keyword: string, value = '0'): AttrDef => ({ keyword, type: 'DOUBLE', value, linkable: true });
const bool = (keyword: string, value: boolean): AttrDef => ({ keyword, type: 'BOOL', value: value ? 'Y' : 'N', linkable: false });

const fixed = (inputs: number, outputs: number): PortSpec =>
  ({ inputs, outputs, dynamicInputs: false, dynamicOutputs: false });

export const NODE_TYPES: Record<string, NodeTypeDef> = {
  READ: {
    ports: fixed(1, 1),
    attrs: [
      { keyword: 'DRAWING.ELEMENT', type: 'ELEMENT', value: '', linkable: true },
      // The synched layer shown (Harmony 22+); "" is the element's own drawings.
      { keyword: 'DRAWING.ELEMENT.LAYER', type: 'STRING', value: '', linkable: false },
      bool('CAN_ANIMATE', true),
      bool('READ_TRANSPARENCY', false),
      dbl('OPACITY', '100'),
      {
        keyword: 'ALIGNMENT_RULE', type: 'ENUM', value: 'CENTER_FIRST_PAGE', linkable: false,
        options: ['CENTER_FIRST_PAGE', 'CENTER_LR', 'CENTER_TB', 'CENTER_ALL', 'LEFT', 'RIGHT', 'TOP', 'BOTTOM', 'ASIS', 'STRETCH'],
      },
      {
        keyword: 'applyMatteToColor', type: 'ENUM', value: 'PREMULTIPLIED_WITH_BLACK', linkable: false,
        options: ['PREMULTIPLIED_WITH_BLACK', 'STRAIGHT', 'PREMULTIPLIED_WITH_WHITE'],
      },
      bool('ENABLE_3D', false),
      dbl('OFFSET.X'), dbl('OFFSET.Y'), dbl('OFFSET.Z'),
      dbl('SCALE.X', '1'), dbl('SCALE.Y', '1'), dbl('ROTATION.ANGLEZ'),
    ],
  },
  WRITE: {
    ports: fixed(1, 1),
    attrs: [
      { keyword: 'DRAWING_NAME', type: 'STRING', value: 'frames/final-', linkable: false },
      { keyword: 'MOVIE_PATH', type: 'STRING', value: 'frames/output', linkable: false },
      { keyword: 'LEADING_ZEROS', type: 'INT', value: '3', linkable: false },
      { keyword: 'START', type: 'INT', value: '1', linkable: false },
      { keyword: 'DRAWING_TYPE', type: 'ENUM', value: 'TGA', linkable: false, options: WRITE_DRAWING_TYPES },
      {
        keyword: 'EXPORT_TO_MOVIE', type: 'ENUM', value: 'Output Drawings', linkable: false,
        options: ['Output Drawings', 'Output Movie', 'Output Drawings and Movie'],
      },
    ],
  },
  COMPOSITE: {
    ports: { inputs: 0, outputs: 1, dynamicInputs: true, dynamicOutputs: false },
    attrs: [
      {
        keyword: 'COMPOSITE_MODE', type: 'ENUM', value: 'As Bitmap', linkable: false,
        options: ['As Bitmap', 'As Seamless Bitmap', 'As Vector', 'Pass Through'],
      },
      bool('FLATTEN_OUTPUT', true),
    ],
  },
  DISPLAY: { ports: fixed(1, 0), attrs: [] },
  PEG: {
    ports: fixed(1, 1),
    attrs: [
      dbl('POSITION.X'), dbl('POSITION.Y'), dbl('POSITION.Z'),
      dbl('SCALE.X', '1'), dbl('SCALE.Y', '1'), dbl('SCALE.Z', '1'),
      dbl('ROTATION.ANGLEZ'), dbl('SKEW'), dbl('PIVOT.X'), dbl('PIVOT.Y'), dbl('PIVOT.Z'),
    ],
  },
  GROUP: { ports: { inputs: 0, outputs: 0, dynamicInputs: true, dynamicOutputs: true }, attrs: [] },
  MULTIPORT_IN: { ports: { inputs: 0, outputs: 0, dynamicInputs: false, dynamicOutputs: true }, attrs: [] },
  MULTIPORT_OUT: { ports: { inputs: 0, outputs: 0, dynamicInputs: true, dynamicOutputs: false }, attrs: [] },
  CUTTER: { ports: fixed(2, 1), attrs: [bool('INVERTED', false)] },
  TRANSPARENCY: { ports: fixed(1, 1), attrs: [dbl('TRANSPARENCY', '50')] },
  // node.add(group, name, "", ...) makes an empty module: scripts use it to learn the name Harmony would give
  // (OpenHarmony's oNode.name setter adds one, reads the path, deletes it, then renames).
  '': { ports: fixed(0, 0), attrs: [] },
};

export const DYNAMIC_ATTR_TYPES: Record<string, { type: AttrType; value: string }> = {
  STRING: { type: 'STRING', value: '' },
  BOOL: { type: 'BOOL', value: 'N' },
  INT: { type: 'INT', value: '0' },
  DOUBLE: { type: 'DOUBLE', value: '0' },
  DOUBLEVB: { type: 'DOUBLEVB', value: '0' },
};

export function isNodeType(type: string): boolean {
  return Object.hasOwn(NODE_TYPES, type);
}
