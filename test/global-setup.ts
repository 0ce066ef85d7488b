/** Starts what the whole suite shares. Each stand-in registers its own start here as it lands. */
export default async function setup(): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
