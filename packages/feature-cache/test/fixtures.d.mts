export function syntheticTensor(i: number, shape?: [number, number]): { data: Float32Array; shape: number[] };
export function syntheticKey(i: number): string;
