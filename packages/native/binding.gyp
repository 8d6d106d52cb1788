# The one native addon of earshot. Each part of it lives in its own folder under src/ and registers
# itself in src/addon.cc; add a part by appending its sources and libraries below.
{
  "targets": [
    {
      "target_name": "earshot_native",
      "sources": [
        "src/addon.cc",
        "src/soxr/resample.cc",
        "src/dnnl/context.cc",
        "src/dnnl/js-args.cc",
        "src/dnnl/primitive-cache.cc",
        "src/dnnl/window.cc",
        "src/dnnl/conv2d.cc",
        "src/dnnl/matmul.cc",
        "src/dnnl/pooling.cc",
        "src/dnnl/reduce.cc",
        "src/dnnl/batch-norm.cc",
        "src/dnnl/register.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "libraries": ["-lsoxr", "-ldnnl", "-fopenmp"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-fopenmp"]
    }
  ]
}
