/** The engine's status vocabularies, for client code and the CLI (which import only lib/api). */
export * from "@/lib/engine/vocabulary";
