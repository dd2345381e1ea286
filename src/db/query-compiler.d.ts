// Prisma ships its WebAssembly query compiler's glue without types; plan-cache.ts patches it.
declare module "@prisma/client/runtime/query_compiler_bg.sqlite.mjs" {
  export class QueryCompiler {
    compile(request: string): unknown;
    compileBatch(request: string): unknown;
  }
}
