import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import type { User } from "./api/session";
import { session } from "./api/session";

type Role = User["role"];
declare module "vue-router" {
  interface RouteMeta {
    roles?: Role[];
    public?: boolean;
  }
}

const staff: Role[] = ["admin", "regulator"];

const routes: RouteRecordRaw[] = [
  { path: "/", name: "home", redirect: () => homeOf(session.current?.user.role) },
  {
    path: "/sign-in",
    name: "sign-in",
    component: () => import("./pages/SignIn.vue"),
    meta: { public: true },
  },
  {
    path: "/dashboard",
    name: "dashboard",
    component: () => import("./pages/Dashboard.vue"),
    meta: { roles: staff },
  },
  {
    path: "/cases",
    name: "cases",
    component: () => import("./pages/Cases.vue"),
    meta: { roles: [...staff, "producer"] },
  },
  {
    path: "/cases/:id",
    name: "case",
    component: () => import("./pages/CaseDetail.vue"),
    meta: { roles: [...staff, "producer"] },
  },
  {
    path: "/batches",
    name: "batches",
    component: () => import("./pages/Batches.vue"),
    meta: { roles: ["producer"] },
  },
  {
    path: "/batches/new",
    name: "batch-new",
    component: () => import("./pages/BatchNew.vue"),
    meta: { roles: ["producer"] },
  },
  {
    path: "/batches/:id",
    name: "batch",
    component: () => import("./pages/BatchDetail.vue"),
    meta: { roles: ["producer", ...staff] },
  },
  {
    path: "/registry/gi-products",
    name: "gi-products",
    component: () => import("./pages/admin/GiProducts.vue"),
    meta: { roles: staff },
  },
  {
    path: "/registry/organizations",
    name: "organizations",
    component: () => import("./pages/admin/Organizations.vue"),
    meta: { roles: staff },
  },
  {
    path: "/registry/authorizations",
    name: "authorizations",
    component: () => import("./pages/admin/Authorizations.vue"),
    meta: { roles: staff },
  },
  {
    path: "/registry/users",
    name: "users",
    component: () => import("./pages/admin/Users.vue"),
    meta: { roles: ["admin"] },
  },
  {
    path: "/registry/import",
    name: "import",
    component: () => import("./pages/admin/Import.vue"),
    meta: { roles: ["admin"] },
  },
  {
    path: "/risk-settings",
    name: "risk-settings",
    component: () => import("./pages/admin/RiskSettings.vue"),
    meta: { roles: ["admin"] },
  },
  {
    path: "/audit",
    name: "audit",
    component: () => import("./pages/admin/Audit.vue"),
    meta: { roles: ["admin"] },
  },
  { path: "/:rest(.*)*", name: "not-found", component: () => import("./pages/NotFound.vue") },
];

export function homeOf(role: Role | undefined): string {
  if (!role) return "/sign-in";
  return role === "producer" ? "/batches" : "/dashboard";
}

export const router = createRouter({ history: createWebHistory("/console/"), routes });

router.beforeEach((to) => {
  if (to.meta.public) return true;
  const user = session.current?.user;
  if (!user) return { name: "sign-in", query: to.fullPath === "/" ? {} : { next: to.fullPath } };
  if (to.meta.roles && !to.meta.roles.includes(user.role)) return homeOf(user.role);
  return true;
});
