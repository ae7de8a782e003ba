import { z } from "@hono/zod-openapi";
import { noticeDeliveries, noticeTopics, type notifications } from "../../db/schema";
import { apiObject } from "../../lib/schemas/api-object";

export const SubscribeBody = z
  .object({
    topic: z.enum(noticeTopics),
    wechat_code: z.string().min(1).max(128).optional().openapi({
      description:
        "A fresh wx.login() code, after wx.requestSubscribeMessage was accepted: the server learns the openid to address the one notice this acceptance allows. Without it notices are recorded in the app only.",
    }),
    template_id: z.string().min(1).max(128).optional().openapi({
      description: "The template the user accepted; must be the server's recall template",
    }),
  })
  .strict()
  .openapi("CreateSubscription");

export const SubscriptionSchema = z
  .object({
    id: z.string(),
    topic: z.enum(noticeTopics),
    wechat_push: z.boolean().openapi({
      description: "Whether a WeChat message may be pushed for this acceptance",
    }),
    created_at: z.string(),
  })
  .openapi("Subscription");

export const NotificationSchema = z
  .object({
    id: z.string(),
    topic: z.enum(noticeTopics),
    batch_id: z.string(),
    title: z.string(),
    body: z.string(),
    delivery: z.enum(noticeDeliveries),
    created_at: z.string(),
    delivered_at: z.string().nullable(),
  })
  .openapi("Notification");

export const toNotificationDto = (
  row: typeof notifications.$inferSelect,
): z.infer<typeof NotificationSchema> => apiObject(NotificationSchema, row);
