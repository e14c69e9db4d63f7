/** A hyperparameter value: numbers for int/float, and numbers, strings or booleans for choices. */
export type ParamValue = number | string | boolean;

/** A configuration: active hyperparameters only, by name. */
export type Config = Record<string, ParamValue>;
