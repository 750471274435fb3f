import { version } from "../package.json";

/** The package version, stamped on every report. */
export const VERSION: string = version;
