export const dynamic = 'force-dynamic';

export default async function Item({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <p id="item">item {id}</p>;
}
