export const dynamic = 'force-dynamic';

// A server component fetching a backend: one client span, its traceparent sent along.
export default async function Home() {
  const response = await fetch(process.env.BACKEND_URL ?? 'https://example.com', { cache: 'no-store' });
  return <p>backend answered {response.status}</p>;
}
