export const dynamic = 'force-dynamic';

// A server component that fetches a backend on every request.
export default async function Home() {
  const response = await fetch(`${process.env.BACKEND_URL}/inventory`, { cache: 'no-store' });
  const inventory = (await response.json()) as { items: number };
  return <p id="inventory">items: {inventory.items}</p>;
}
