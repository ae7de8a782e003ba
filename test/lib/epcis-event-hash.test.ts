import { describe, expect, it } from "vitest";
import {
  canonicalIdentifier,
  canonicalTime,
  eventHashId,
  eventPreHash,
} from "../../src/lib/epcis/event-hash";
// From the reference implementation of the CBV 2.0 event hash (RalphTro/epcis-event-hash-generator,
// tests/examples/epcisDocWithDefaultSchemaInContext.*, MIT licence).
import example from "../vendor/gs1/hash-example-default-schema.jsonld?raw";

const events = (JSON.parse(example) as { epcisBody: { eventList: Record<string, unknown>[] } })
  .epcisBody.eventList;

describe("EPCIS event hash ID (CBV 2.0)", () => {
  it("builds the published pre-hash string and hash of the reference example", async () => {
    const event = events[0] as Record<string, unknown>;
    expect(eventPreHash(event)).toBe(
      "eventType=ObjectEventeventTime=2022-02-17T02:33:31.116ZeventTimeZoneOffset=-06:00epcListepc=https://id.gs1.org/01/10614141073464/21/2017epc=https://id.gs1.org/01/10614141073464/21/2018action=OBSERVEbizStep=https://ref.gs1.org/cbv/BizStep-shippingdisposition=https://ref.gs1.org/cbv/Disp-in_transitreadPointid=https://id.gs1.org/414/0614141073467/254/1234bizTransactionListtype=https://ref.gs1.org/cbv/BTT-pobizTransaction=http://transaction.acme.com/po/12345678",
    );
    expect(await eventHashId(event)).toBe(
      "ni:///sha-256;ffa491b16867e34a7791a8d5389d826afc24e63a121026b6a4004ace38631b4b?ver=CBV2.0",
    );
  });

  it("does not depend on the order of fields or of list entries", async () => {
    const event = events[0] as Record<string, unknown>;
    const shuffled = Object.fromEntries(Object.entries(event).reverse());
    shuffled.epcList = [...(event.epcList as string[])].reverse();
    expect(await eventHashId(shuffled)).toBe(await eventHashId(event));
  });

  it("normalises times to UTC milliseconds and Digital Links to id.gs1.org, most granular key only", () => {
    expect(canonicalTime("2023-01-18T11:04:03.1415Z")).toBe("2023-01-18T11:04:03.142Z");
    expect(canonicalTime("2026-11-20T12:00:00+08:00")).toBe("2026-11-20T04:00:00.000Z");
    expect(canonicalIdentifier("https://gi.example.cn/01/04006381333931/10/L1/21/ABC?x=1")).toBe(
      "https://id.gs1.org/01/04006381333931/21/ABC",
    );
    expect(canonicalIdentifier("urn:epc:id:sgln:0012345.11111.0")).toBe(
      "https://id.gs1.org/414/0012345111112",
    );
  });
});
