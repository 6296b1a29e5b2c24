print('start fetching')
print('done fetching')
print({'data': 1})
for i in range(10):
    print(i)
