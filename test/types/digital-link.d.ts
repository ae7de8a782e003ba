// digital-link.js ships no types; the tests use DigitalLink(url).isValid() and getKeyQualifiers().
declare module "digital-link.js" {
  const digitalLink: {
    DigitalLink: (url: string) => {
      isValid(): boolean;
      getKeyQualifiers(): Record<string, string>;
    };
  };
  export default digitalLink;
}
