import { jsonBody, jsonContent } from "../../lib/openapi";
import { ListQuerySchema } from "../../lib/pagination";
import { jsonPage, operationsOf } from "../../lib/route-specs";
import { NotificationSchema, SubscribeBody, SubscriptionSchema } from "./me.schemas";

const notifications = operationsOf("notifications");

export const subscribe = notifications.post("/v1/me/subscriptions", "createSubscription", {
  summary: "Subscribe the signed-in consumer to recall notices",
  description:
    "Records one acceptance of the WeChat one-time subscribe message: when a batch the consumer scanned is recalled, a notice is recorded (GET /v1/me/notifications) and, for each acceptance with a wechat_code, one WeChat message is sent. The code must belong to the signed-in consumer (422 otherwise); WeChat login errors answer as for POST /v1/auth/wechat.",
  access: ["consumer"],
  request: { body: jsonBody(SubscribeBody) },
  responses: { 201: jsonContent(SubscriptionSchema, "Subscribed") },
  errors: [422, 429, 502],
});

export const notificationsList = notifications.get("/v1/me/notifications", "listNotifications", {
  summary: "The signed-in consumer's notices, newest first",
  access: ["consumer"],
  request: { query: ListQuerySchema },
  responses: { 200: jsonPage(NotificationSchema, "A page of notices") },
});
