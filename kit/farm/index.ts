/** Afanasy (CGRU) render farm client: job model, validation, submission and queries. */
export { AfanasyClient, SYSTEM_JOB_ID } from './client.ts';
export type { JobOperation, JobRef, JobsFilter, SubmitOptions, SubmittedJob, WaitOptions } from './client.ts';
export {
  FarmConnectionError,
  FarmError,
  FarmJobNotFoundError,
  FarmNoReplyError,
  FarmProtocolError,
  FarmServerError,
  FarmTimeoutError,
  JobValidationError,
} from './errors.ts';
export type { JobProblem } from './errors.ts';
export { taskCount, taskFrames, taskName } from './frames.ts';
export type { FrameRange } from './frames.ts';
export { BLOCK_FLAG_NUMERIC, JobBuilder, framePlaceholder, toAfanasyJson } from './job.ts';
export type { AfanasyBlock, AfanasyJob, AfanasyJobDocument, BlockSpec, FramesSpec, JobSpec, TaskSpec } from './job.ts';
export { defaultAfanasySettings, resolveAfanasySettings } from './settings.ts';
export type { AfanasySettings } from './settings.ts';
export { displayTaskName, jobStatus, parseStates } from './status.ts';
export type { BlockInfo, JobInfo, JobProgress, JobStatus, StateToken, TaskOutput, TaskProgress } from './status.ts';
export { assertValidJobDocument, validateJobDocument } from './validate.ts';
export { MAX_MESSAGE_BYTES, encodeRequest, exchange, parseReplyHeader } from './wire.ts';
export type { ReplyHeader, WireTarget } from './wire.ts';
