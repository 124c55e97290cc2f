import { NextResponse, type NextRequest } from 'next/server';

// Runs in the edge runtime (middleware's default).
export function middleware(request: NextRequest) {
  const response = NextResponse.next();
  response.headers.set('x-middleware', request.nextUrl.pathname);
  return response;
}

export const config = { matcher: ['/items/:path*', '/api/:path*'] };
