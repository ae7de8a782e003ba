import type { z } from "@hono/zod-openapi";
import type { epcisCaptureJobs } from "../../db/schema";
import type { CaptureJobSchema } from "./epcis.schemas";

type JobRow = typeof epcisCaptureJobs.$inferSelect;

/** The job as the EPCIS REST binding words it (captureID, running, success, errors). */
export function toCaptureJobDto(job: JobRow): z.infer<typeof CaptureJobSchema> {
  return {
    captureID: job.id,
    running: false,
    success: job.status === "success",
    createdAt: job.createdAt,
    finishedAt: job.createdAt,
    eventCount: job.eventCount,
    capturedCount: job.capturedCount,
    duplicateCount: job.duplicateCount,
    errors: job.errors as z.infer<typeof CaptureJobSchema>["errors"],
  };
}
