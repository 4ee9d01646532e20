// Everything exported here is registered as a workflow type by the worker's bundle.
export { selfCheck } from './self-check';
