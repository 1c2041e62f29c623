// Label and field selectors for list/watch filtering and for workload selectors.
export { SelectorError } from './errors';
export {
  NOTHING,
  formatLabelSelector,
  labelSelectorFromObject,
  labelMatcherOf,
  labelSelectorFromSet,
  newRequirement,
  parseLabelSelector,
  selectorToString,
  type LabelMatcher,
  type LabelOperator,
  type LabelSelector,
  type LabelSelectorRequirement,
  type Requirement,
} from './label-selector';
export {
  compileFieldSelector,
  escapeFieldValue,
  parseFieldSelector,
  unescapeFieldValue,
  type FieldGetters,
  type FieldMatcher,
  type FieldRequirement,
} from './field-selector';
export { isQualifiedName, isValidLabelValue } from '../validation-strings';
