import { NextResponse, type NextRequest } from 'next/server';

// Edge middleware: its spans join the request's trace.
export function middleware(request: NextRequest) {
  const response = NextResponse.next();
  response.headers.set('x-path', request.nextUrl.pathname);
  return response;
}

export const config = { matcher: ['/items/:path*', '/api/:path*'] };
